"""The HTML market report (a face): derived tables from the market, drawn with charts."""
