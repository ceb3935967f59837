"""Market views computed in SQL: statistics, exports, snapshots and reports."""
