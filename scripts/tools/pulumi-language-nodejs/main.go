// Command pulumi-language-nodejs is a minimal Node.js language host for the Pulumi engine.
//
// Pulumi's own host lives in a Go module that the module proxy reachable here does not serve, so
// this one is built instead. It keeps to what this project's engine tests exercise: running a
// program (`pulumi preview/up/destroy`) and starting a Node.js policy pack (`--policy-pack`).
// Both hand the real work to the scripts that ship in the @pulumi/pulumi npm package, exactly as
// Pulumi's host does; everything else answers Unimplemented, which the engine tolerates.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is set at link time by scripts/install-tools.sh to the CLI release it was built with.
var version = "dev"

func main() {
	// The engine passes its logging flags (-v, --logtostderr: glog's, registered by the SDK's logging
	// package) and --tracing to every plugin it starts.
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint")
	flag.Parse()
	logging.InitLogging(false, 0, false)

	// The engine's address is the last positional argument.
	if flag.NArg() == 0 {
		cmdutil.ExitError("usage: pulumi-language-nodejs [flags] <engine-address>")
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not find node on the $PATH: %w", err))
	}

	host := &nodeHost{nodeBin: nodeBin, engineAddress: flag.Arg(flag.NArg() - 1), tracing: *tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}

	// The engine reads the port from our first line of output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
	os.Exit(0)
}
