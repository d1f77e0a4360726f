module github.com/libpubrio/libpubrio/bindings/go

go 1.19
