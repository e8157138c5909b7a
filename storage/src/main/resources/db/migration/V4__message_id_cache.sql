-- H2 hands out auto-increment ids from blocks it reserves ahead ("cache", 32 by default) and records
-- each new block in its metadata with a commit of its own. Since the embedded store writes every
-- commit to its file at once (WRITE_DELAY=0, Database.h2Url), that was a file write every 32
-- messages - three quarters of H2's writes under load. A crash skips what is left of a block: ids
-- are opaque and only grow. MySQL/MariaDB need nothing here (the placeholder is a no-op there).
${messageIdCache};
