"""The gap report: its data, charts, rendering, drafts and issued copies."""
