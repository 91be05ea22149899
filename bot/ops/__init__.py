"""Operations: the health and metrics endpoint and the metrics registry (issue 17)."""
