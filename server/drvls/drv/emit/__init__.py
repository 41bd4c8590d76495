"""`drvls emit`: a `.drv` rule set written out as every assistant's own rule files."""
