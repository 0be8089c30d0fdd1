"""What assessments are made against: stored checklist versions and the unit's document register."""
