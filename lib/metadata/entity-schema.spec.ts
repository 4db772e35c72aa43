import { Type } from 'class-transformer';
import { Encrypted } from '../decorators/encrypted.decorator.js';
import { RedisEntity } from '../decorators/redis-entity.decorator.js';
import { EntityDefinitionError } from '../errors/entity-definition.error.js';
import { entitySchemaOf } from './entity-schema.js';

function definitionError(build: () => unknown): EntityDefinitionError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(EntityDefinitionError);
    expect((error as EntityDefinitionError).code).toBe('ERR_ENTITY_DEFINITION');
    return error as EntityDefinitionError;
  }
  throw new Error('expected an EntityDefinitionError');
}

describe('entity registration', () => {
  it('accepts an entity with an undecorated id class field', () => {
    @RedisEntity('people')
    class Person {
      id!: string;
      @Encrypted() ssn!: string;
    }
    const schema = entitySchemaOf(Person);
    expect(schema.keyspace).toBe('people');
    expect(schema.storage).toBe('hash');
    expect(schema.schema.sealedFieldNames).toEqual(['ssn']);
  });

  it('fails for a class without @RedisEntity', () => {
    class Plain {
      id!: string;
    }
    expect(definitionError(() => entitySchemaOf(Plain)).target).toBe('Plain');
  });

  it('fails for a subclass that only inherits @RedisEntity, naming both classes', () => {
    @RedisEntity('bases')
    class Base {
      id!: string;
    }
    class Derived extends Base {}
    expect(definitionError(() => entitySchemaOf(Derived)).message).toMatch(
      /Base.*Derived|Derived.*Base/,
    );
  });

  it('fails for an entity without an id, naming Class.id', () => {
    @RedisEntity('things')
    class Thing {
      @Encrypted() secret!: string;
    }
    expect(definitionError(() => entitySchemaOf(Thing)).target).toBe('Thing.id');
  });

  it('accepts a custom id property and fails when it is missing', () => {
    @RedisEntity('codes', { id: 'code' })
    class Code {
      code!: string;
    }
    expect(entitySchemaOf(Code).idProperty).toBe('code');
    @RedisEntity('codes2', { id: 'code' })
    class NoCode {
      id!: string;
    }
    expect(definitionError(() => entitySchemaOf(NoCode)).target).toBe('NoCode.code');
  });

  it('fails for an @Encrypted id', () => {
    @RedisEntity('sealed-ids')
    class SealedId {
      @Encrypted() id!: string;
    }
    expect(definitionError(() => entitySchemaOf(SealedId)).target).toBe('SealedId.id');
  });

  it('fails for a sealed array whose element type cannot be known, naming Class.property', () => {
    class Line {
      @Encrypted() note!: string;
    }
    @RedisEntity('orders')
    class Order {
      id!: string;
      @Encrypted() lines!: Line[];
    }
    const error = definitionError(() => entitySchemaOf(Order));
    expect(error.target).toBe('Order.lines');
    expect(error.message).toContain('@Type(() =>');
  });

  it('fails for a sealed field without emitted type metadata', () => {
    @RedisEntity('untyped')
    class Untyped {
      id!: string;
    }
    Encrypted()(Untyped.prototype, 'secret');
    expect(definitionError(() => entitySchemaOf(Untyped)).target).toBe('Untyped.secret');
  });

  it('fails for a field of a type that cannot be stored', () => {
    @RedisEntity('maps')
    class WithMap {
      id!: string;
      @Encrypted() lookup!: Map<string, string>;
    }
    expect(definitionError(() => entitySchemaOf(WithMap)).target).toBe('WithMap.lookup');
  });

  it('fails for a nested class whose own field cannot be known, naming the nested Class.property', () => {
    class Item {
      @Encrypted() tags!: string[];
    }
    @RedisEntity('carts')
    class Cart {
      id!: string;
      @Type(() => Item) items!: Item[];
    }
    expect(definitionError(() => entitySchemaOf(Cart)).target).toBe('Item.tags');
  });

  it('accepts nested classes declared with @Type, including self-references', () => {
    class Tree {
      @Encrypted() label!: string;
      @Type(() => Tree) children!: Tree[];
    }
    @RedisEntity('forests')
    class Forest {
      id!: string;
      @Type(() => Tree) root!: Tree;
      @Encrypted() @Type(() => String) tags!: string[];
    }
    expect(entitySchemaOf(Forest).schema.field('root').declared).toEqual({
      kind: 'class',
      cls: Tree,
    });
  });

  it('keeps sibling subclasses apart while both inherit the base sealed field', () => {
    abstract class Person {
      id!: string;
      @Encrypted() ssn!: string;
    }
    @RedisEntity('employees')
    class Employee extends Person {
      @Encrypted() salary!: number;
    }
    @RedisEntity('contractors')
    class Contractor extends Person {
      agency!: string;
    }
    expect(entitySchemaOf(Employee).schema.sealedFieldNames.sort()).toEqual(['salary', 'ssn']);
    expect(entitySchemaOf(Contractor).schema.sealedFieldNames).toEqual(['ssn']);
  });
});

describe('decorator validation', () => {
  it('refuses an entity name with a colon or braces', () => {
    expect(() => RedisEntity('a:b')(class A {})).toThrow(EntityDefinitionError);
    expect(() => RedisEntity('a{b}')(class B {})).toThrow(EntityDefinitionError);
  });

  it('refuses a non-positive ttl', () => {
    expect(() => RedisEntity('c', { ttl: 0 })(class C {})).toThrow(/ttl/);
  });

  it('refuses padding outside 2..65536 bytes, naming Class.property', () => {
    class D {}
    expect(() => Encrypted({ padding: 1 })(D.prototype, 'x')).toThrow(/D\.x/);
  });
});
