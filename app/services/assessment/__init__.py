"""An assessment's life: who may do what, its layers of answers, stage moves, plans and upgrades."""
