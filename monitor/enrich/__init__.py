"""The enrich stage and the watchlist query language it tags mentions with."""
