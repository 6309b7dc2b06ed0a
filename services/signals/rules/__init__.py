"""Pure rules of vroegsignalering: value parsing, row validation, household cases, the
werklijst priority, the delivery report and the DDAS export document.
"""
