-- Chat messages, per-conversation sequence numbers and per-user delivery cursors (message-router).
-- A conversation is 'p:<smaller user id>:<larger user id>' (private) or 'g:<group id>'.

-- Every accepted message, stored before it is delivered. id is the server id; (conversation, seq)
-- orders a conversation without gaps or duplicates; payload is the client's JSON as recipients get
-- it (sender forced to the authenticated user); client_msg_id lets a later protocol version make
-- re-sends idempotent.
CREATE TABLE messages (
  id            BIGINT        NOT NULL AUTO_INCREMENT,
  conversation  VARCHAR(48)   NOT NULL,
  seq           BIGINT        NOT NULL,
  sender_id     BIGINT        NOT NULL,
  target_id     BIGINT        NOT NULL,
  msg_type      SMALLINT      NOT NULL,
  media         SMALLINT      NOT NULL,
  content       VARCHAR(4096) NOT NULL DEFAULT '',
  url           VARCHAR(512)  NOT NULL DEFAULT '',
  amount        INT           NOT NULL DEFAULT 0,
  client_msg_id VARCHAR(64)   NULL,
  payload       VARCHAR(9000) NOT NULL,
  created_at    DATETIME(3)   NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uk_messages_conversation_seq UNIQUE (conversation, seq),
  CONSTRAINT uk_messages_sender_client_id UNIQUE (sender_id, client_msg_id)
) ${tableOptions};
-- Offline catch-up of private messages: "addressed to me".
CREATE INDEX idx_messages_target ON messages (target_id, msg_type, conversation, seq);

-- The last sequence number handed out per conversation. The row is locked by the increment until
-- the message insert commits, so router instances never hand out the same number twice.
CREATE TABLE conversation_seq (
  conversation VARCHAR(48) NOT NULL,
  last_seq     BIGINT      NOT NULL,
  PRIMARY KEY (conversation)
) ${tableOptions};

-- Up to which sequence number a user has been sent each conversation; catch-up starts after it.
CREATE TABLE delivery_cursors (
  user_id       BIGINT      NOT NULL,
  conversation  VARCHAR(48) NOT NULL,
  delivered_seq BIGINT      NOT NULL,
  PRIMARY KEY (user_id, conversation)
) ${tableOptions};
