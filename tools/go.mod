module github.com/newswire/newswire/tools

go 1.26.8

toolchain go1.26.11
