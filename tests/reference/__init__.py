"""An independent recomputation of the KPI figures, for tests only.

Written from docs/domain.md#laws-and-clocks and docs/domain.md#kpis alone, separately from
shared/core/domain and shared/core/kpi: it reads
the domain configuration file as plain YAML, computes Easter itself and imports nothing of
the processors, so an error in their rules shows up as a disagreement, not as a copy.
"""
