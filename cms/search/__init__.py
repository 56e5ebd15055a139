"""Search across everything: one page over every source the reader may see."""
