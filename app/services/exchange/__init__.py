"""Assessments leaving and entering an installation: packages, imports and spreadsheet exports."""
