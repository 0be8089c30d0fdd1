"""Regional programmes: their units, people and rounds, and what is seen across them."""
