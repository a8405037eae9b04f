package event

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// CloudEvents types of the records, one per topic.
const (
	CETypeArticle        = "dev.newswire.article.v1"
	CETypeQuote          = "dev.newswire.quote.v1"
	CETypeEntity         = "dev.newswire.entity.v1"
	CETypeEnrichedQuote  = "dev.newswire.enriched.quote.v1"
	CETypeEnrichedEntity = "dev.newswire.enriched.entity.v1"
)

// Hash returns a short, stable identifier for the given parts: the first
// 16 bytes of the SHA-256 of the parts joined by NUL, in hex.
func Hash(parts ...string) string {
	var buf [512]byte // most parts join within it, off the heap
	joined := buf[:0]
	for i, p := range parts {
		if i > 0 {
			joined = append(joined, 0)
		}
		joined = append(joined, p...)
	}
	var out [32]byte
	return string(AppendHash(out[:0], joined))
}

// AppendHash appends to dst the Hash of parts the caller already joined by
// NUL into joined.
func AppendHash(dst, joined []byte) []byte {
	sum := sha256.Sum256(joined)
	return hex.AppendEncode(dst, sum[:16])
}

// QuoteID is the ID of the quotation with the given text at the given place
// of an article: the same extraction of the same article always gives the
// same ID, so a re-run is absorbed by the publisher's dedupe.
func QuoteID(articleID, in string, offset int, text string) string {
	return Hash("quote", articleID, in, strconv.Itoa(offset), text)
}

// EntityRecordID is the key of one entity's record in one article.
func EntityRecordID(articleID, entityID string) string {
	return articleID + "/" + entityID
}
