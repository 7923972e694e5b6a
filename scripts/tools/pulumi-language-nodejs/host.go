package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Exit code with which @pulumi/pulumi's run script says it has already shown the user the error.
const exitAfterUserActionableMessage = 32

// nodeHost serves the engine's LanguageRuntime calls by starting Node.js on the scripts of the
// @pulumi/pulumi package that the program (or policy pack) itself depends on.
type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	nodeBin       string
	engineAddress string
	tracing       string
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// Run executes a Pulumi program: `node @pulumi/pulumi/cmd/run <flags> <entry point>`, the same
// command line Pulumi's own host builds, with config handed over in PULUMI_CONFIG.
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return nil, status.Error(codes.InvalidArgument, "RunRequest has no program info")
	}
	opts := readOptions(info)
	runScript, err := h.resolve(info.GetProgramDirectory(), "@pulumi/pulumi/cmd/run")
	if err != nil {
		return nil, err
	}

	args := append(append([]string{}, opts.nodeArgs...), runScript)
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name+"="+value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.engineAddress)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("stack", req.GetStack())
	flag("pwd", info.GetProgramDirectory())
	flag("root-directory", info.GetRootDirectory())
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	flag("tracing", h.tracing)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	args = append(append(args, info.GetEntryPoint()), req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, fmt.Errorf("serializing config: %w", err)
	}
	secretKeys, err := json.Marshal(req.GetConfigSecretKeys())
	if err != nil {
		return nil, fmt.Errorf("serializing secret config keys: %w", err)
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(opts.typescript),
	)
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.CommandContext(ctx, h.nodeBin, args...)
	cmd.Dir = info.GetProgramDirectory()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == exitAfterUserActionableMessage:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run node: %v", err)}, nil
	}
}

// RunPlugin starts a Node.js policy pack (the engine's only use of it in this project):
// `node @pulumi/pulumi/cmd/run-policy-pack <engine args> <pack dir>`, streaming its output back so the
// engine can read the port the analyzer listens on.
func (h *nodeHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	if req.GetKind() != "analyzer" {
		return status.Errorf(codes.Unimplemented, "this language host runs only policy packs, not %q plugins", req.GetKind())
	}
	info := req.GetInfo()
	packDir := info.GetProgramDirectory()
	script, err := h.resolve(packDir, "@pulumi/pulumi/cmd/run-policy-pack")
	if err != nil {
		return err
	}
	args := append(append(append([]string{}, readOptions(info).nodeArgs...), script), req.GetArgs()...)
	args = append(args, packDir)

	cmd := exec.CommandContext(stream.Context(), h.nodeBin, args...)
	cmd.Dir = packDir
	cmd.Env = req.GetEnv()
	var mu sync.Mutex
	send := func(resp *pulumirpc.RunPluginResponse) error {
		mu.Lock()
		defer mu.Unlock()
		return stream.Send(resp)
	}
	cmd.Stdout = writerFunc(func(p []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: p}})
	})
	cmd.Stderr = writerFunc(func(p []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: p}})
	})
	err = cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return fmt.Errorf("could not run policy pack %s: %w", packDir, err)
	}
	return send(&pulumirpc.RunPluginResponse{
		Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(cmd.ProcessState.ExitCode())},
	})
}

// resolve finds a module the way the program itself would: from its own directory upwards.
func (h *nodeHost) resolve(dir, module string) (string, error) {
	script := fmt.Sprintf("console.log(require.resolve(%q, {paths: [%q]}))", module, dir)
	out, err := exec.Command(h.nodeBin, "-e", script).Output()
	if err != nil {
		return "", status.Errorf(codes.FailedPrecondition,
			"cannot find %s from %s: is the Pulumi SDK installed (npm install)?", module, dir)
	}
	return strings.TrimSpace(string(out)), nil
}

// runtimeOptions are the `runtime.options` of Pulumi.yaml / PulumiPolicy.yaml that this host honours.
type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeArgs   []string
}

func readOptions(info *pulumirpc.ProgramInfo) runtimeOptions {
	opts := runtimeOptions{typescript: true}
	fields := info.GetOptions().GetFields()
	if v, ok := fields["typescript"]; ok {
		opts.typescript = v.GetBoolValue()
	}
	if v, ok := fields["tsconfig"]; ok {
		opts.tsconfig = filepath.Join(info.GetProgramDirectory(), v.GetStringValue())
	}
	if v, ok := fields["nodeargs"]; ok {
		opts.nodeArgs = strings.Fields(v.GetStringValue())
	}
	return opts
}

// writerFunc adapts a function to io.Writer; the slice is copied because exec reuses its buffer.
type writerFunc func(p []byte) error

var _ io.Writer = writerFunc(nil)

func (f writerFunc) Write(p []byte) (int, error) {
	if err := f(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
