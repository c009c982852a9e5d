module github.com/fluxgo/fluxgo

go 1.23.0

require (
	github.com/dave/jennifer v1.7.1
	github.com/google/uuid v1.6.0
	golang.org/x/sys v0.35.0
	gopkg.in/yaml.v3 v3.0.1
)

require github.com/pelletier/go-toml/v2 v2.4.3
