// ESLint 10 looks a file's configuration up from the file's own directory, so bench/ needs one:
// the repository's rules, minus bench/dist (the compiled benchmark).
import repository from '../eslint.config.mjs';

export default [{ ignores: ['dist/**'] }, ...repository];
