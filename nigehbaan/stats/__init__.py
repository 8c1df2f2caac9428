"""Case statistics: aggregates over the register (and, through count providers, over what other
capabilities hold), every figure as a chart, a table and a CSV, and an annual report."""
