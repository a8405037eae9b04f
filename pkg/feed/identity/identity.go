// Package identity gives feed items a stable identity: the same item gets
// the same ID on every poll and after every restart, and what a feed
// changes about it shows as a new content hash, not a new item.
package identity

import (
	"net/url"
	"sort"
	"strings"
	"unicode"

	"github.com/newswire/newswire/pkg/event"
)

// trackingParams are query parameters that identify a campaign, not a page.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"yclid": true, "ysclid": true, "msclkid": true, "mc_cid": true, "mc_eid": true,
	"igshid": true, "_openstat": true, "ref_src": true, "ref_url": true,
	"_hsenc": true, "_hsmi": true, "mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true,
	"vero_id": true, "rb_clickid": true, "s_cid": true, "cmpid": true, "ncid": true,
	"spm": true,
}

// CleanURL removes tracking parameters (utm_*, fbclid, gclid, yclid, …)
// and the fragment, lower-cases scheme and host and sorts what query is
// left, so two links to one page compare equal. A link that does not parse
// is returned trimmed.
func CleanURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if alreadyClean(raw) {
		return raw
	}
	return cleanParsed(raw)
}

func cleanParsed(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Fragment = ""
	u.RawFragment = ""
	if u.RawQuery != "" {
		u.RawQuery = cleanQuery(u.RawQuery)
	}
	return u.String()
}

// cleanQuery drops the tracking pairs from a raw query and sorts the rest
// by key. A query url.ParseQuery cannot read whole keeps its other pairs as
// they are: ParseQuery would drop a pair holding ";" or a bad escape, and
// links differing only there would get one ID.
func cleanQuery(raw string) string {
	pairs := strings.Split(raw, "&")
	kept := pairs[:0]
	for _, pair := range pairs {
		key, _, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if pair != "" && !tracking(key) {
			kept = append(kept, pair)
		}
	}
	raw = strings.Join(kept, "&")
	q, err := url.ParseQuery(raw)
	if err != nil {
		// Less any white space (and the "&" it leaves) at the end, which
		// CleanURL would trim from the result the next time round.
		return strings.TrimRightFunc(raw, func(r rune) bool { return r == '&' || unicode.IsSpace(r) })
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

// tracking reports a query parameter that identifies a campaign.
func tracking(key string) bool {
	lk := strings.ToLower(key)
	return strings.HasPrefix(lk, "utm_") || trackingParams[lk]
}

// alreadyClean reports links with nothing to clean, the common case, so
// they skip parsing: no query, no fragment, a lower-case scheme and host,
// only characters that need no escaping.
func alreadyClean(raw string) bool {
	rest, ok := strings.CutPrefix(raw, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(raw, "http://"); !ok {
			return false
		}
	}
	host, _, _ := strings.Cut(rest, "/")
	if host == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~', c == '/':
		case 'A' <= c && c <= 'Z':
			if i < len(host) {
				return false // an upper-case host
			}
		default:
			return false // ?, #, %, :, @ and anything else: let url.Parse judge
		}
	}
	return true
}

// Item is what identity is derived from.
type Item struct {
	GUID    string
	Link    string // already cleaned
	Title   string
	Content string
}

// ArticleID returns the item's ID: from its GUID (within its feed), else
// from its cleaned link, else from its title and content.
func ArticleID(feedURL string, it Item) string {
	switch {
	case strings.TrimSpace(it.GUID) != "":
		return event.Hash("guid", feedURL, strings.TrimSpace(it.GUID))
	case it.Link != "":
		return event.Hash("link", it.Link)
	}
	return event.Hash("content", feedURL, it.Title, it.Content)
}

// ContentHash changes when what the item says changes.
func ContentHash(title, body string) string {
	return event.Hash(strings.TrimSpace(title), strings.TrimSpace(body))
}
