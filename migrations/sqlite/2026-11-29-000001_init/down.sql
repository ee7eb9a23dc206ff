DROP TABLE invitations;
DROP TABLE responses;
DROP TABLE survey_versions;
DROP TABLE surveys;
