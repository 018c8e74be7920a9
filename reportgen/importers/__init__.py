"""Published reports (web page, Word, PDF, text) → the same ReportData the workbook reader gives,
so that every check applies to both."""
