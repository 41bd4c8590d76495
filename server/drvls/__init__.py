"""drvls: language server and linter for seL4 system descriptions, CAmkES configs and `.drv` rule files."""

__version__ = "0.1.0"
