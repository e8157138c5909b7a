-- For private conversations 'p:<low>:<high>': the last sequence number addressed to each of the two
-- users. A stored message's 'prev' (what its recipient's gateway checks for gaps) is read from here
-- instead of scanning messages, and the router stores messages in batches without any scan.
ALTER TABLE conversation_seq ADD COLUMN last_to_low BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversation_seq ADD COLUMN last_to_high BIGINT NOT NULL DEFAULT 0;

-- Existing conversations: a message is addressed to the lower id when its target is not above its
-- sender (both, for a note to oneself).
UPDATE conversation_seq SET
  last_to_low = COALESCE((SELECT MAX(m.seq) FROM messages m WHERE m.conversation = conversation_seq.conversation
                          AND m.msg_type = 1 AND m.target_id <= m.sender_id), 0),
  last_to_high = COALESCE((SELECT MAX(m.seq) FROM messages m WHERE m.conversation = conversation_seq.conversation
                           AND m.msg_type = 1 AND m.target_id >= m.sender_id), 0)
WHERE conversation LIKE 'p:%';
