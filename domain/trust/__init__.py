"""Attack-resistant trust: Levien's Advogato metric and a seeded random-walk rank (pure, numpy/scipy)."""
