ALTER TABLE responses DROP COLUMN codes;
