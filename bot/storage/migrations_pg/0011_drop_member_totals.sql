-- /similar now reads every score of a title's raters and takes each rater's mean from them
-- (bot/comparisons/corating.py), so the per-member totals of 0009 are read by nothing: dropped with
-- their trigger and functions, and a score no longer takes the member's row lock. The covering
-- index ratings_by_member of 0009 stays: it is what that read scans.
DROP TRIGGER member_totals_changed ON ratings;
DROP FUNCTION kansou_member_totals_changed();
DROP FUNCTION kansou_add_member_score(BIGINT, BIGINT, INTEGER, INTEGER);
DROP TABLE member_totals;
