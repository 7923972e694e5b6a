// Imported first by commands that validate with zod: such a run parses each schema about once, and zod's JIT, which
// compiles a parser per object schema on first use (new Function), costs more than it saves there. zod reads the
// setting when a schema is built, so this runs before any schema module.
import { z } from "zod";

z.config({ jitless: true });
