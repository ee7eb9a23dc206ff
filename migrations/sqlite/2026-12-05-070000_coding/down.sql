DROP TABLE quotes;
DROP TABLE codings;
DROP TABLE codebooks;
