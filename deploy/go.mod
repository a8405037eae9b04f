module github.com/newswire/newswire/deploy

go 1.26.8

replace github.com/newswire/newswire/pkg => ../pkg
