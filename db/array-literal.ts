export { arrayLiteral } from "@latchkey/verify/array-literal";
