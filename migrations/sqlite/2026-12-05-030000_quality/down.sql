DROP TABLE survey_opens;
DROP TABLE response_reviews;
