package logging

// Field keys of log lines. Messages are static; what varies goes in fields
// under these keys.
const (
	KeyService   = "service"
	KeyTopic     = "topic"
	KeyPartition = "partition"
	KeyOffset    = "offset"
	KeyGroup     = "group"
	KeyFeed      = "feed"
	KeyURL       = "url"
	KeyArticle   = "article_id"
	KeyQuote     = "quote_id"
	KeyEntity    = "entity_id"
	KeyCount     = "count"
	KeyStatus    = "status"
	KeyDelay     = "delay"
	KeyAddr      = "addr"
	KeyAttempt   = "attempt"
	KeyVariable  = "variable"
)
