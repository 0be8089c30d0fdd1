"""Services: queries, use cases, report rendering, import and export."""
