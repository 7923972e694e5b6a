import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", ".tools/**", "bin-out/**", "rendered/**", "**/*.js", "**/*.mjs"] },
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
            "@typescript-eslint/no-explicit-any": "error",
        },
    },
);
