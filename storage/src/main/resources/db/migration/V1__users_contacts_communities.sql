-- Accounts, friends and groups. The same SQL runs on MySQL/MariaDB and on H2 in MySQL mode;
-- ${tableOptions} and ${exactText} are Flyway placeholders filled in by michat.storage.Database.
-- Times are UTC. Messages get their own migration (next issue).

CREATE TABLE users (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  name           VARCHAR(64)  ${exactText} NOT NULL,
  password_hash  VARCHAR(255) NOT NULL,
  phone          VARCHAR(20)  NOT NULL DEFAULT '',
  email          VARCHAR(254) NOT NULL DEFAULT '',
  avatar         VARCHAR(512) NOT NULL DEFAULT '',
  client_ip      VARCHAR(64)  NOT NULL DEFAULT '',
  client_port    VARCHAR(16)  NOT NULL DEFAULT '',
  device_info    VARCHAR(255) NOT NULL DEFAULT '',
  login_time     DATETIME(3)  NULL,
  heartbeat_time DATETIME(3)  NULL,
  login_out_time DATETIME(3)  NULL,
  is_logout      SMALLINT     NOT NULL DEFAULT 0,
  created_at     DATETIME(3)  NOT NULL,
  updated_at     DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uk_users_name UNIQUE (name)
) ${tableOptions};

-- Groups ("communities" in the seed). Names are unique so that joining by name is unambiguous.
CREATE TABLE communities (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  name        VARCHAR(64)   ${exactText} NOT NULL,
  owner_id    BIGINT        NOT NULL,
  img         VARCHAR(512)  NOT NULL DEFAULT '',
  description VARCHAR(1024) NOT NULL DEFAULT '',
  created_at  DATETIME(3)   NOT NULL,
  updated_at  DATETIME(3)   NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uk_communities_name UNIQUE (name)
) ${tableOptions};
CREATE INDEX idx_communities_owner ON communities (owner_id);

-- The seed's contact table: kind 1 = friend (one row per direction), kind 2 = group membership
-- (owner_id = member, target_id = group). The unique key serves "my friends / my groups";
-- the second index serves "members of a group" and "who has me as a friend".
CREATE TABLE contacts (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  owner_id    BIGINT       NOT NULL,
  target_id   BIGINT       NOT NULL,
  kind        SMALLINT     NOT NULL,
  description VARCHAR(255) NOT NULL DEFAULT '',
  created_at  DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uk_contacts_owner_kind_target UNIQUE (owner_id, kind, target_id)
) ${tableOptions};
CREATE INDEX idx_contacts_target_kind ON contacts (target_id, kind);
