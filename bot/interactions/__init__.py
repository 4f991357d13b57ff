"""Discord interaction plumbing every feature shares: base views, the title option."""
