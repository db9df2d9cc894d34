// The collection's folders, in run order. Each one sets up its own data and runs alone.
import { health } from "./health.folder.mjs";
import { inventory } from "./inventory.folder.mjs";
import { orders } from "./orders.folder.mjs";
import { proxy } from "./proxy.folder.mjs";
import { users } from "./users.folder.mjs";

export const FOLDERS = [health, users, inventory, orders, proxy];
