"""The curator side: the curator service, review queue and dashboard data."""
