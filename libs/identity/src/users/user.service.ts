import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FieldErrors, NotFoundException, Role, conflictOnDuplicate } from '@zs/common';
import { OrgUnitRepository, OrgUnitService } from '@zs/org';
import { PasswordHasher } from '../auth/password-hasher';
import type { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';

export interface CreateUserCommand {
  username: string;
  password: string;
  displayName?: string;
  unitCode: string;
  role: string;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;

/** The password rule of users:create, users:set-password and changePassword; reported under `path`. */
export function checkPassword(errors: FieldErrors, path: string, password: string): void {
  if (password.length < 10 || password.length > 200) errors.add(path, 'must be 10 to 200 characters');
}

@Injectable()
export class UserService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UserRepository,
    private readonly orgUnits: OrgUnitService,
    private readonly units: OrgUnitRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findById(id);
  }

  /**
   * Used by the CLI and the starter; the operator is trusted, the input is still validated and every
   * problem is reported at once (paths are the CLI option names).
   */
  async create(cmd: CreateUserCommand): Promise<UserEntity> {
    const errors = new FieldErrors();
    const username = cmd.username.trim();
    if (!USERNAME.test(username)) errors.add('username', 'must be 3-64 letters, digits, . _ or -, starting with a letter or digit');
    checkPassword(errors, 'password', cmd.password);
    const role = cmd.role.trim().toUpperCase();
    if (!(Object.values(Role) as string[]).includes(role)) {
      errors.add('role', `must be one of ${Object.values(Role).join(', ')}`);
    }
    const displayName = cmd.displayName?.trim() || username;
    if (displayName.length > 100) errors.add('display-name', 'must be at most 100 characters');
    const unit = await this.orgUnits.findByCode(cmd.unitCode.trim());
    if (!unit) errors.add('unit', `no unit with code ${cmd.unitCode}`);
    else if (!unit.active) errors.add('unit', 'the unit is inactive');
    errors.throwIfAny();
    const passwordHash = await this.hasher.hash(cmd.password);
    return this.db.transaction(async (tx) => {
      // Shared lock on the unit: a concurrent deactivation waits for this user and then sees it.
      const locked = await this.units.lock(unit!.id, tx, 'share');
      if (!locked?.active) {
        const again = new FieldErrors();
        again.add('unit', 'the unit is inactive');
        again.throwIfAny();
      }
      return conflictOnDuplicate(
        () => this.users.insert({ username, displayName, passwordHash, unitId: unit!.id, role: role as Role }, tx),
        { app_user_username_key: `Username ${username} is taken` },
      );
    });
  }

  /** Deactivates (or reactivates) a user; their tokens stop working on the next request. */
  async setActive(username: string, active: boolean): Promise<UserEntity> {
    const user = await this.users.setActive(username.trim(), active);
    if (!user) throw new NotFoundException('User');
    return user;
  }

  /** Sets a user's password (users:set-password); every token of the user stops working. */
  async setPassword(username: string, password: string): Promise<UserEntity> {
    const errors = new FieldErrors();
    checkPassword(errors, 'password', password);
    errors.throwIfAny();
    const passwordHash = await this.hasher.hash(password);
    const id = await this.users.replacePassword({ username: username.trim() }, passwordHash);
    if (!id) throw new NotFoundException('User');
    return (await this.users.findById(id))!;
  }

  countAdmins(): Promise<number> {
    return this.users.countAdmins();
  }
}
