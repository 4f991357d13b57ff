-- /similar now reads every score of a title's raters and takes each rater's mean from them
-- (bot/comparisons/corating.py), so the per-member totals of 0009 are read by nothing: dropped with
-- their triggers, and a score is one write fewer.
DROP TRIGGER member_totals_after_insert;
DROP TRIGGER member_totals_after_update;
DROP TRIGGER member_totals_after_delete;
DROP TABLE member_totals;
