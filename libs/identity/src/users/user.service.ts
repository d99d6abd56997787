import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  type Actor,
  type Connection,
  FieldErrors,
  EntityNotFoundException,
  Role,
  conflictOnDuplicate,
  isUuid,
  keysetConnection,
  keysetCursor,
  pageSize,
} from '@zs/common';
import { OrgUnitRepository } from '@zs/org';
import { PasswordHasher } from '../auth/password-hasher';
import { LoginThrottle } from '../auth/login-throttle';
import {
  type IdentityActor,
  requireMayGrant,
  requireMayManage,
  requireUserAdmin,
  resolveUnit,
} from '../identity-access';
import { textProblem } from '../text-rules';
import type { UserEntity } from './user.entity';
import { type ManagedUser, type UserPatch, UserRepository } from './user.repository';
import { canonicalUsername, displayUsername, usernameProblem } from './username';

export interface CreateUserCommand {
  username: string;
  password: string;
  displayName?: string | null;
  role: string;
  unitId?: string | null;
  unitCode?: string | null;
}

export interface UpdateUserCommand {
  role?: Role | null;
  displayName?: string | null;
  unitId?: string | null;
  unitCode?: string | null;
}

/** Where each input's problems are reported: CLI option names, or GraphQL input paths. */
interface Paths {
  username: string;
  password: string;
  displayName: string;
  role: string;
  unitId: string;
  unitCode: string;
}

const CLI_PATHS: Paths = {
  username: 'username',
  password: 'password',
  displayName: 'display-name',
  role: 'role',
  unitId: 'unit',
  unitCode: 'unit',
};

const GRAPHQL_PATHS: Paths = {
  username: 'input.username',
  password: 'input.password',
  displayName: 'input.displayName',
  role: 'input.role',
  unitId: 'input.unitId',
  unitCode: 'input.unitCode',
};

/** The password rule of every way a password is set; reported under `path`. */
export function checkPassword(errors: FieldErrors, path: string, password: string): void {
  if (password.length < 10 || password.length > 200) errors.add(path, 'must be 10 to 200 characters');
}

const TAKEN = (username: string) => ({ app_user_username_key: `Username ${username} is taken` });

/**
 * Users and their administration. The CLI (operator, `'system'`) and the GraphQL admin operations
 * (ADMINs for their unit's subtree, MANAGERs for their own unit) run the same code; only the actor
 * and the paths errors are reported under differ.
 */
@Injectable()
export class UserService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UserRepository,
    private readonly units: OrgUnitRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findById(id);
  }

  /** users:create and the starter: the operator may create any user anywhere; `unitCode` names the unit. */
  create(cmd: CreateUserCommand): Promise<UserEntity> {
    return this.createAs('system', cmd, CLI_PATHS);
  }

  /** createUser: the caller's reach and role rules apply; every input problem is reported at once. */
  async createAs(actor: IdentityActor, cmd: CreateUserCommand, paths: Paths = GRAPHQL_PATHS): Promise<UserEntity> {
    // Who may do it comes first: a refused caller learns nothing from validation messages.
    requireUserAdmin(actor);
    const errors = new FieldErrors();
    const problem = usernameProblem(cmd.username);
    if (problem) errors.add(paths.username, problem);
    const username = problem ? '' : displayUsername(cmd.username);
    checkPassword(errors, paths.password, cmd.password);
    const role = cmd.role.trim().toUpperCase() as Role;
    if (!(Object.values(Role) as string[]).includes(role)) errors.add(paths.role, `must be one of ${Object.values(Role).join(', ')}`);
    const displayName = this.displayName(errors, paths.displayName, cmd.displayName, username);
    if (!errors.any) requireMayGrant(actor, role);

    return this.db.transaction(async (tx) => {
      const unit = await resolveUnit(this.units, actor, cmd, paths, errors, tx);
      if (unit === undefined) errors.add(paths.unitId, 'give unitId or unitCode');
      errors.throwIfAny();
      const passwordHash = await this.hasher.hash(cmd.password);
      return conflictOnDuplicate(
        () =>
          this.users.insert(
            { username, usernameCanonical: canonicalUsername(username), displayName, passwordHash, unitId: unit!.id, role },
            tx,
          ),
        TAKEN(username),
      );
    });
  }

  /** updateUser: role, unit and display name; a user's own role and unit never change this way. */
  async update(actor: IdentityActor, id: string, cmd: UpdateUserCommand): Promise<UserEntity> {
    requireUserAdmin(actor);
    return this.db.transaction(async (tx) => {
      const target = await this.lockManaged(actor, id, tx);
      const changesAccess = (cmd.role != null && cmd.role !== target.role) || cmd.unitId != null || !!cmd.unitCode?.trim();
      // Display name only: one's own is fine; anything else needs authority over the target.
      if (changesAccess || actor === 'system' || actor.id !== target.id) requireMayManage(actor, target);
      if (cmd.role != null) requireMayGrant(actor, cmd.role);

      const errors = new FieldErrors();
      const patch: UserPatch = {};
      if (cmd.role != null) patch.role = cmd.role;
      if (cmd.displayName != null) patch.displayName = this.displayName(errors, GRAPHQL_PATHS.displayName, cmd.displayName, target.username);
      const unit = await resolveUnit(this.units, actor, cmd, GRAPHQL_PATHS, errors, tx);
      if (unit) patch.unitId = unit.id;
      errors.throwIfAny();
      await this.users.update(target.id, patch, tx);
      return (await this.users.findById(target.id, tx))!;
    });
  }

  /** deactivateUser: the user's tokens stop working on the next request. */
  async deactivate(actor: IdentityActor, id: string): Promise<UserEntity> {
    requireUserAdmin(actor);
    return this.db.transaction(async (tx) => {
      const target = await this.lockManaged(actor, id, tx);
      requireMayManage(actor, target);
      if (target.active) await this.users.setActive(target.id, false, tx);
      return (await this.users.findById(target.id, tx))!;
    });
  }

  /** resetUserPassword: sets a new password and revokes every token of the user; clears a login lock. */
  async resetPassword(actor: IdentityActor, id: string, password: string, path = 'newPassword'): Promise<UserEntity> {
    requireUserAdmin(actor);
    const errors = new FieldErrors();
    checkPassword(errors, path, password);
    const user = await this.db.transaction(async (tx) => {
      const target = await this.lockManaged(actor, id, tx);
      requireMayManage(actor, target);
      errors.throwIfAny();
      await this.users.replacePassword(target.id, await this.hasher.hash(password), tx);
      return (await this.users.findById(target.id, tx))!;
    });
    await this.throttle.clear(user.username);
    return user;
  }

  /** users(unitId, first, after): the users the caller administers, by username. */
  async page(actor: Actor, args: { unitId?: string | null; first?: number | null; after?: string | null }): Promise<Connection<ManagedUser>> {
    requireUserAdmin(actor);
    const limit = pageSize(args.first);
    const after = keysetCursor(args.after, 'text');
    // An id that is not a UUID or names a unit out of reach simply selects nobody, like a missing unit.
    const unitId = args.unitId ?? undefined;
    if (unitId !== undefined && !isUuid(unitId)) return keysetConnection({ rows: [], total: 0 }, limit, after);
    return keysetConnection(await this.users.pageManaged(actor, { unitId, after, limit, withTotal: true }), limit, after);
  }

  /** users:deactivate (true) and reactivation by the operator. */
  async setActive(username: string, active: boolean): Promise<UserEntity> {
    const id = await this.users.idByCanonical(canonicalUsername(username));
    if (!id) throw new EntityNotFoundException('User');
    if (!active) return this.deactivate('system', id);
    await this.users.setActive(id, true);
    return (await this.users.findById(id))!;
  }

  /** users:set-password: every token of the user stops working. */
  async setPassword(username: string, password: string): Promise<UserEntity> {
    const errors = new FieldErrors();
    checkPassword(errors, 'password', password);
    errors.throwIfAny();
    const id = await this.users.idByCanonical(canonicalUsername(username));
    if (!id) throw new EntityNotFoundException('User');
    return this.resetPassword('system', id, password, 'password');
  }

  countAdmins(): Promise<number> {
    return this.users.countAdmins();
  }

  private async lockManaged(actor: IdentityActor, id: string, tx: Parameters<UserRepository['lockManaged']>[2]): Promise<ManagedUser> {
    const target = isUuid(id) ? await this.users.lockManaged(actor, id, tx) : null;
    if (!target) throw new EntityNotFoundException('User');
    return target;
  }

  private displayName(errors: FieldErrors, path: string, given: string | null | undefined, fallback: string): string {
    const value = given?.trim() || fallback;
    const problem = textProblem(given ?? value, given == null ? 0 : 1, 100);
    if (problem) errors.add(path, problem);
    return value.normalize('NFC');
  }
}

