"""Reports: due dates, the overdue list, timeliness and helpfulness, "not held", member and
department numbers, and charts."""
