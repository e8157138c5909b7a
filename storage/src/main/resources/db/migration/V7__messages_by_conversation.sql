-- Messages stored by their access paths (issue 21; the design: docs/benchmarks.md, "Storage design").
-- The same SQL runs on MySQL/MariaDB and H2 in MySQL mode. Converts an existing database in place.
--
-- Before: a surrogate id as the clustered key plus three secondary indexes, content/url/amount stored
-- both as columns and inside payload. After:
-- * the clustered key is (conversation, seq): history pages, gap fills and catch-up read one range of it;
-- * pos, the message's place in the stream of all messages, replaces id: handed out per batch from the
--   stream counter (the conversation_seq row with conversation '') in the store transaction, so no
--   read-back; existing messages keep their id as pos, so acks and stream positions already handed
--   out stay valid and new ones are larger. Its index serves the michat.v1 stream's catch-up;
-- * (sender_id, client_msg_id) stays unique: duplicates of re-sent messages;
-- * no index by recipient: catch-up starts from the user's delivery_cursors rows (every participant of
--   a private conversation has one from its first message on) and the counters in conversation_seq;
-- * content, url and amount live in payload only (the client's JSON, which recipients get anyway).
CREATE TABLE messages_v7 (
  conversation  VARCHAR(48)   NOT NULL,
  seq           BIGINT        NOT NULL,
  pos           BIGINT        NOT NULL,
  sender_id     BIGINT        NOT NULL,
  target_id     BIGINT        NOT NULL,
  msg_type      SMALLINT      NOT NULL,
  media         SMALLINT      NOT NULL,
  client_msg_id VARCHAR(64)   NULL,
  payload       VARCHAR(9000) NOT NULL,
  created_at    DATETIME(3)   NOT NULL,
  PRIMARY KEY (conversation, seq),
  CONSTRAINT uk_messages_pos UNIQUE (pos),
  CONSTRAINT uk_messages_client_msg UNIQUE (sender_id, client_msg_id)
) ${tableOptions};

-- In key order: the new clustered index is filled from left to right.
INSERT INTO messages_v7 (conversation, seq, pos, sender_id, target_id, msg_type, media, client_msg_id, payload,
                         created_at)
  SELECT conversation, seq, id, sender_id, target_id, msg_type, media, client_msg_id, payload, created_at
  FROM messages ORDER BY conversation, seq;

-- The stream counter: positions continue after the largest id handed out.
INSERT INTO conversation_seq (conversation, last_seq, last_to_low, last_to_high)
  SELECT '', COALESCE(MAX(id), 0), 0, 0 FROM messages;

-- Membership of private conversations for catch-up: a cursor row (0 = nothing delivered yet) for both
-- participants of every private conversation that has messages, where none was saved.
INSERT INTO delivery_cursors (user_id, conversation, delivered_seq)
  SELECT DISTINCT p.user_id, p.conversation, 0 FROM (
    SELECT sender_id AS user_id, conversation FROM messages WHERE msg_type = 1
    UNION SELECT target_id AS user_id, conversation FROM messages WHERE msg_type = 1) p
  WHERE NOT EXISTS (SELECT 1 FROM delivery_cursors c WHERE c.user_id = p.user_id AND c.conversation = p.conversation);

DROP TABLE messages;
ALTER TABLE messages_v7 RENAME TO messages;
