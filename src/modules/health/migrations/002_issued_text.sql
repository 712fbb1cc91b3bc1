-- The issued certificate's own text (HC1), so that the person can get it again as a PDF or QR
-- code exactly as it was issued. Rows issued before this have none.
ALTER TABLE health.dcc_issued ADD COLUMN hc1 text;
