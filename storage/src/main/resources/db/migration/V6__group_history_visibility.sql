-- Group history starts at joining (issue 17). The same SQL runs on MySQL/MariaDB and H2 (MySQL mode).

-- Whether the owner shares the messages sent before a member joined; off for new and existing groups.
ALTER TABLE communities ADD COLUMN history_visible SMALLINT NOT NULL DEFAULT 0;

-- For memberships (kind 2): the group's last sequence number when the member joined; the member
-- reads and is sent messages after it. Existing memberships keep 0 (all history): they joined when
-- every member could read everything, and taking it back would hide what they have already read.
ALTER TABLE contacts ADD COLUMN joined_at_seq BIGINT NOT NULL DEFAULT 0;
