"""Standardised assessments: instrument definitions, pure scoring and the `score` command."""
