"""Microkit system descriptions (`*.system`): parsing, the typed model, and the Microkit tool's checks."""
