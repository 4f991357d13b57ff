-- A moderator's corrections of what kansou understood of a review (score, TL;DR, verdict, pros, cons,
-- aspect lines, About lines, linked titles), as JSON (bot/reviews/corrections.py). They are stored
-- with the review and with each revision, so /review edit reopens with them and history keeps them.
ALTER TABLE reviews ADD COLUMN corrections TEXT NOT NULL DEFAULT '{}';
ALTER TABLE review_revisions ADD COLUMN corrections TEXT NOT NULL DEFAULT '{}';
