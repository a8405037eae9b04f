module github.com/newswire/newswire/tools

go 1.26.8
