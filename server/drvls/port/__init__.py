"""Porting a CAmkES app to a Microkit system: the mechanical mapping, and what is left to write by hand."""
